# Sourced by scripts/run and scripts/serve: read the address and port a server will really use from
# the arguments that go on to `streamlit run`, so the "serving on" line names them.
#   zoo_server_args ARGS...   sets ADDRESS and PORT (keeps their current values when not given);
#                             sets ZOO_HELP=1 for -h/--help.
zoo_server_args() {
  ZOO_HELP=0
  while [ $# -gt 0 ]; do
    case "$1" in
      -h|--help) ZOO_HELP=1 ;;
      --server.port=*) PORT="${1#*=}" ;;
      --server.port) [ $# -gt 1 ] && { PORT="$2"; shift; } ;;
      --server.address=*) ADDRESS="${1#*=}" ;;
      --server.address) [ $# -gt 1 ] && { ADDRESS="$2"; shift; } ;;
    esac
    shift
  done
}
