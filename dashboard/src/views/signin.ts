// The sign-in form. The click (or Enter) that submits it also unlocks the page's alarm audio.
import { ApiError, signIn } from '../api.js';
import { alarmAudio } from '../audio.js';
import { h, setText } from '../dom.js';
import type { Me } from '../types.js';
import type { View } from './view.js';

export function signinView(onSignedIn: (me: Me) => void): View {
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const error = h('p', { class: 'form-error', 'data-testid': 'signin-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Sign in');
  const form = h(
    'form',
    { class: 'signin panel', 'data-testid': 'signin', 'aria-label': 'Sign in' },
    h('h1', {}, 'vigil — sign in'),
    h('label', {}, h('span', {}, 'User'), username),
    h('label', {}, h('span', {}, 'Password'), password),
    submit,
    error,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    alarmAudio.unlock();
    submit.disabled = true;
    setText(error, '');
    signIn(username.value.trim(), password.value).then(
      (me) => onSignedIn(me),
      (failure: unknown) => {
        submit.disabled = false;
        password.value = '';
        password.focus();
        if (failure instanceof ApiError && failure.status === 429) setText(error, 'Too many failed sign-ins: wait a minute, then try again.');
        else if (failure instanceof ApiError && failure.status === 401) setText(error, 'Wrong user name or password.');
        else setText(error, `Cannot sign in: ${failure instanceof Error ? failure.message : String(failure)}`);
      },
    );
  });
  queueMicrotask(() => username.focus());
  return { el: h('div', { class: 'view signin-view' }, form), destroy: () => undefined };
}
