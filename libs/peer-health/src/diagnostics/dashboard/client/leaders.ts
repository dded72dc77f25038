import { headers } from './auth';
import { requestRender } from './frame';
import { state } from './state';
import { arrayField, field } from './wire';

// The leadership view: the demo host's /control/leaders, else beside the kit's routes.
const leaderUrls = ['/control/leaders', 'leaders'];

function readLeaders(body: unknown): void {
  const leaders: Record<string, string | null> = {};
  arrayField(body, 'scopes').forEach((s) => {
    const leaderId = field(s, 'leaderId');
    leaders[String(field(s, 'scope'))] = typeof leaderId === 'string' && leaderId !== '' ? leaderId : null;
  });
  state.leaders = leaders;
}

function fetchLeaders(): Promise<void> {
  const url = leaderUrls[0] ?? 'leaders';
  return fetch(url, { headers: headers('application/json') }).then((response) => {
    if (response.status === 404 && leaderUrls.length > 1) {
      leaderUrls.shift();
      return fetchLeaders();
    }
    if (!response.ok) {
      state.leaders = null;
      return undefined;
    }
    return (response.json() as Promise<unknown>).then(readLeaders);
  });
}

/** Reads who leads each scope (404 on the first place tries the next, for good). */
export function loadLeaders(): Promise<void> {
  return fetchLeaders()
    .catch(() => {
      state.leaders = null;
    })
    .then(() => requestRender({ leaders: true }));
}
