// The RESP codec and the TCP connection live in DockerRecipes (the Redis Cluster recipe talks RESP
// over them too); `import DockerTesting` keeps offering them under the same names.
@_exported import enum DockerRecipes.RESPValue
@_exported import class DockerRecipes.TCPConnection
@_exported import enum DockerRecipes.TCPError
