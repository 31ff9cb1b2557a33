// The dashboard: sign-in, then the view the URL hash names (dashboard/CONTRACT.md): #/ overview,
// #/session/<id> bedside, #/replay replay. Any 401 brings the sign-in form back in place of the view. Above
// every view: the alarm-system failure banner (the views' WebSocket connections report the system's state).
import { fetchMe, onSignedOut, signOut } from './api.js';
import { alarmAudio, installAudioUnlock } from './audio.js';
import { SystemFailureBanner } from './components/system-failure-banner.js';
import { h, setText } from './dom.js';
import { closeAllPairings } from './pairing.js';
import { currentRoute, onRouteChange, type Route } from './router.js';
import type { Me } from './types.js';
import { bedsideView } from './views/bedside.js';
import { overviewView } from './views/overview.js';
import { replayView } from './views/replay.js';
import { systemStatus } from './system-status.js';
import { signinView } from './views/signin.js';
import type { View } from './views/view.js';

document.documentElement.dataset['app'] = 'vigil';
installAudioUnlock();

const host = h('main', { id: 'view', tabindex: -1 });
const who = h('span', { class: 'who-am-i', 'data-testid': 'signed-in-as' });
const signOutButton = h('button', { type: 'button', class: 'btn btn-small', hidden: true }, 'Sign out');
const systemFailure = new SystemFailureBanner(systemStatus);
const nav = h('nav', { 'aria-label': 'Views', hidden: true }, h('a', { href: '#/' }, 'Overview'), h('a', { href: '#/replay' }, 'Replay'));
const shell = h(
  'div',
  { class: 'shell' },
  h('header', { class: 'topbar' }, h('a', { class: 'brand', href: '#/' }, 'vigil'), nav, h('span', { class: 'spacer' }), who, signOutButton),
  systemFailure.el,
  host,
  h('footer', { class: 'note' }, h('strong', {}, 'vigil is a monitoring aid, not a certified medical device.'), ' It does not replace the clinical monitoring, judgement or equipment a dosing session requires.'),
);
(document.getElementById('app') ?? document.body).replaceChildren(shell);

let me: Me | undefined;
let view: View | undefined;

function mount(next: View): void {
  view?.destroy();
  view = next;
  host.replaceChildren(next.el);
}

function showSignin(): void {
  me = undefined;
  nav.hidden = true;
  signOutButton.hidden = true;
  setText(who, '');
  alarmAudio.set('none');
  systemStatus.reset();
  mount(
    signinView((signedIn) => {
      me = signedIn;
      route(currentRoute());
    }),
  );
}

function route(target: Route): void {
  if (me === undefined) return showSignin();
  nav.hidden = false;
  signOutButton.hidden = false;
  setText(who, `${me.username} (${me.roles.join(', ')})`);
  for (const link of nav.querySelectorAll('a')) link.classList.toggle('current', link.getAttribute('href') === (target.view === 'replay' ? '#/replay' : target.view === 'overview' ? '#/' : ''));
  if (target.view === 'session') mount(bedsideView(me, target.id));
  else if (target.view === 'replay') mount(replayView(me));
  else mount(overviewView(me));
  document.title = `vigil — ${target.view === 'session' ? 'bedside' : target.view}`;
}

onSignedOut(() => {
  if (me !== undefined) showSignin();
});
onRouteChange((target) => route(target));
signOutButton.addEventListener('click', () => {
  void closeAllPairings();
  void signOut().then(showSignin);
});

fetchMe().then(
  (found) => {
    me = found;
    route(currentRoute());
  },
  () => {
    // the service is unreachable: try again shortly
    setText(host, 'vigil is not reachable — retrying…');
    window.setTimeout(() => location.reload(), 3000);
  },
);
