import { DEFAULT_INTERVAL_SECONDS, DEFAULT_URL, LEASE_HEALTH_PATH } from './cli-settings';

/** The help text, printed by --help and after a usage error. */
export const PEERS_CLI_USAGE = `Usage: omnirelay-peers [command] [options]

Shows the peers of an OmniRelay control plane, as GET <url><path> reports them.

Commands:
  list              ranked table: unhealthy first, then most pending reassignments,
                    then stalest heartbeat (default command)
  show <peerId>     every field of one peer
  watch             print the table at once when the host's event stream reports a
                    change (at least every --interval seconds; an older host without
                    the stream is polled), with a line for each peer whose status
                    changed since the previous refresh

Options:
  --url <base>      control-plane base URL, may end in a path prefix such as
                    http://host/cp (default: $OMNIRELAY_URL, else ${DEFAULT_URL})
  --path <path>     endpoint path under the base URL (default ${LEASE_HEALTH_PATH});
                    for an app with forRoot({ pathPrefix: '/p' }), use /p/lease-health
  --status <s>      list, watch: only peers that are healthy or unhealthy
  --json            list: the ranked peers as JSON; show: the peer's object as served
  --interval <s>    watch: seconds between refreshes (default ${DEFAULT_INTERVAL_SECONDS})
  --count <n>       watch: stop after n refreshes
  -h, --help        print this help

Environment: OMNIRELAY_AUTH_TOKEN, a bearer token for hosts that require one (reader role).

Exit codes: 0 ok, 1 peer not found, 2 control plane unreachable or not serving
lease health, 64 bad usage, 130 interrupted.
`;
