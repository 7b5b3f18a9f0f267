/**
 * English: the reference dictionary. Every other language must have exactly these keys
 * (the `Messages` type enforces it at compile time; test/unit/i18n.test.ts checks it at run time).
 * `{name}` placeholders are filled by `translate()`.
 */
import { localFolderMessages } from './connectors/local-folder.ts';
import { sftpMessages } from './connectors/sftp.ts';
import { ftpMessages } from './connectors/ftp.ts';
import { emailMessages } from './connectors/email.ts';
import { dropboxMessages } from './connectors/dropbox.ts';

export const en = {
  'app.name': 'Ledgerdrop',
  'app.tagline': 'Every invoice and bank statement in the right accounting package, exactly once.',

  'language.label': 'Language',
  'language.en': 'English',
  'language.fr': 'Français',
  'language.nl': 'Nederlands',

  'status.title': 'Engine',
  'status.state': 'State',
  'status.version': 'Version',
  'status.home': 'Data folder',
  'status.keychain': 'Keychain',
  'status.loading': 'Connecting to the engine…',
  'status.unavailable': 'The engine is not available: {message}',
  'status.retry': 'Try again',
  'state.starting': 'Starting',
  'state.idle': 'Ready',
  'state.closing': 'Shutting down',
  'state.closed': 'Stopped',

  'doctor.title': 'This computer',
  'doctor.intro': 'Check that Ledgerdrop can run here: runtime, data folder, database and keychain.',
  'doctor.run': 'Check this computer',
  'doctor.running': 'Checking…',
  'doctor.allOk': 'Everything Ledgerdrop needs is in place.',
  'doctor.someFailed': 'Some checks failed. What to do is shown under each one.',
  'doctor.ok': 'OK',
  'doctor.failed': 'Problem',
  'doctor.fix': 'What to do:',
  'doctor.error': 'The check could not run: {message}',
  'doctor.check.node': 'Runtime (Node)',
  'doctor.check.home': 'Data folder',
  'doctor.check.database': 'Database',
  'doctor.check.keychain': 'Keychain',

  'tray.tooltip': 'Ledgerdrop',
  'tray.open': 'Open Ledgerdrop',
  'tray.syncNow': 'Sync now',
  'tray.pause': 'Pause',
  'tray.pause30m': 'For 30 minutes',
  'tray.pause1h': 'For 1 hour',
  'tray.pauseTomorrow': 'Until tomorrow',
  'tray.pauseUntilResumed': 'Until I resume',
  'tray.resume': 'Resume now',
  'tray.quit': 'Quit Ledgerdrop',

  // Each connector's words live next to each other in ./connectors/.
  ...localFolderMessages.en,
  ...sftpMessages.en,
  ...ftpMessages.en,
  ...emailMessages.en,
  ...dropboxMessages.en,
} as const;

export type MessageKey = keyof typeof en;

/** A dictionary: exactly the keys of `en`, each a string. */
export type Messages = { readonly [K in MessageKey]: string };
