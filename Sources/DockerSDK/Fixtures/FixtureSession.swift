import Foundation

/// A client wired to a fixture: replaying it, or recording it from a live daemon.
///
/// Tests call the SDK through `session.docker`, assert on the typed values, then `finish()`.
/// With `record: true` the same calls go to the real daemon and `finish()` writes the fixture:
/// re-recording is running the same tests with `DOCKERSDK_RECORD=1`.
public final class FixtureSession: Sendable {
    /// The client to call.
    public let docker: DockerClient
    /// The replayer, when replaying.
    public let replay: ReplayTransport?
    /// The recorder, when recording.
    public let recorder: RecordingTransport?
    /// The fixtures folder.
    public let directory: String

    /// Opens `<directory>/v<apiVersion>/<scenario>.json` for replay, or records it when `record` is true
    /// (from `recordingHost`, or the daemon found like the docker CLI).
    public init(scenario: String, apiVersion: String = "1.41", directory: String, record: Bool,
                secrets: [String] = [], chunkSize: Int = 1024, recordingHost: DockerHost? = nil) throws {
        self.directory = directory
        if record {
            let host = try recordingHost ?? HostDiscovery().resolve().host
            let recorder = RecordingTransport(recording: CurlTransport(host: host),
                                              scenario: scenario, secrets: secrets)
            self.recorder = recorder
            replay = nil
            docker = try DockerClient(host: host, transport: recorder)
        } else {
            let replay = try ReplayTransport(path: "\(directory)/v\(apiVersion)/\(scenario).json",
                                             chunkSize: chunkSize, secrets: secrets)
            self.replay = replay
            recorder = nil
            docker = try DockerClient(host: .unix(path: "/replay/\(scenario)"), transport: replay, environment: [:])
        }
    }

    /// Saves the recording, or checks that the replay used every exchange and matched every request.
    public func finish() throws {
        if let recorder { try recorder.save(under: directory) }
        if let replay { try replay.assertFinished() }
    }
}
