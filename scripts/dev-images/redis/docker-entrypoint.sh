#!/bin/sh
# Entrypoint of dockersdk/redis, after the official redis image's:
# - `docker run IMAGE --port 6381 ...` (first argument an option or a *.conf file) runs redis-server;
# - the official image's redis-server is built with protected mode off by default (pointless
#   behind Docker's networking); Debian's is not, so when no config file is given, this passes
#   `--protected-mode no` first: the caller's own arguments come later and still win.
set -e
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
  set -- redis-server "$@"
fi
if [ "$1" = redis-server ]; then
  case "${2:-}" in
    -v | --version | -h | --help | --test-memory | --check-system) ;;  # must stay argv[1]
    "" | --*) shift; set -- redis-server --protected-mode no "$@" ;;
    *) ;;  # a config file (or `-` for stdin) must come first: left as given
  esac
fi
exec "$@"
