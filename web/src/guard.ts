import { SignInRequired } from './api.js';

/** Sends a refused token back to the sign-in form; returns the message for other failures. */
export function useSignInGuard(onSignOut: (reason: string | null) => void) {
  return (error: unknown): string => {
    if (error instanceof SignInRequired) onSignOut(error.message);
    return error instanceof Error ? error.message : String(error);
  };
}
