import { byId } from './dom';
import { Session, signIn } from './session';

/** Wires the page's sign-in form (#login, #username, #password, #error) to `signIn`; `onSession` runs once signed in. */
export function wireSignInForm(fallbackError: string, onSession: (session: Session) => void): void {
  byId('login').addEventListener('submit', (e) => {
    e.preventDefault();
    byId('error').textContent = '';
    const username = byId<HTMLInputElement>('username').value.trim();
    const password = byId<HTMLInputElement>('password').value;
    signIn(username, password, fallbackError).then(
      (session) => {
        byId<HTMLInputElement>('password').value = '';
        onSession(session);
      },
      (err: Error) => (byId('error').textContent = err.message),
    );
  });
}
