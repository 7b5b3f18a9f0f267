/**
 * Where secrets live. The only implementation that ships is the OS keychain; there is deliberately no
 * file or memory fallback, so a missing keychain is an error the user sees instead of a silent downgrade.
 */
export interface SecretStore {
  /** Human name of the backend, shown by `doctor` ("Secret Service", "macOS Keychain", …). */
  readonly backend: string;
  set(name: string, value: string): Promise<void>;
  get(name: string): Promise<string | null>;
  /** Returns whether something was deleted. */
  delete(name: string): Promise<boolean>;
  has(name: string): Promise<boolean>;
}
