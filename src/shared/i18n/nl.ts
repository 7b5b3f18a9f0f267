import { localFolderMessages } from './connectors/local-folder.ts';
import { sftpMessages } from './connectors/sftp.ts';
import { ftpMessages } from './connectors/ftp.ts';
import { emailMessages } from './connectors/email.ts';
import { dropboxMessages } from './connectors/dropbox.ts';
import type { Messages } from './en.ts';

export const nl: Messages = {
  'app.name': 'Ledgerdrop',
  'app.tagline': 'Elke factuur en elk rekeninguittreksel in het juiste boekhoudpakket, precies één keer.',

  'language.label': 'Taal',
  'language.en': 'English',
  'language.fr': 'Français',
  'language.nl': 'Nederlands',

  'status.title': 'Motor',
  'status.state': 'Status',
  'status.version': 'Versie',
  'status.home': 'Gegevensmap',
  'status.keychain': 'Sleutelhanger',
  'status.loading': 'Verbinden met de motor…',
  'status.unavailable': 'De motor is niet beschikbaar: {message}',
  'status.retry': 'Opnieuw proberen',
  'state.starting': 'Wordt gestart',
  'state.idle': 'Klaar',
  'state.closing': 'Wordt afgesloten',
  'state.closed': 'Gestopt',

  'doctor.title': 'Deze computer',
  'doctor.intro': 'Controleer of Ledgerdrop hier kan werken: omgeving, gegevensmap, database en sleutelhanger.',
  'doctor.run': 'Controleer deze computer',
  'doctor.running': 'Bezig met controleren…',
  'doctor.allOk': 'Alles wat Ledgerdrop nodig heeft, is aanwezig.',
  'doctor.someFailed': 'Sommige controles zijn mislukt. Onder elke controle staat wat u kunt doen.',
  'doctor.ok': 'OK',
  'doctor.failed': 'Probleem',
  'doctor.fix': 'Wat te doen:',
  'doctor.error': 'De controle kon niet worden uitgevoerd: {message}',
  'doctor.check.node': 'Omgeving (Node)',
  'doctor.check.home': 'Gegevensmap',
  'doctor.check.database': 'Database',
  'doctor.check.keychain': 'Sleutelhanger',

  'tray.tooltip': 'Ledgerdrop',
  'tray.open': 'Ledgerdrop openen',
  'tray.syncNow': 'Nu synchroniseren',
  'tray.pause': 'Pauzeren',
  'tray.pause30m': 'Gedurende 30 minuten',
  'tray.pause1h': 'Gedurende 1 uur',
  'tray.pauseTomorrow': 'Tot morgen',
  'tray.pauseUntilResumed': 'Tot ik hervat',
  'tray.resume': 'Nu hervatten',
  'tray.quit': 'Ledgerdrop afsluiten',

  // Each connector's words live next to each other in ./connectors/.
  ...localFolderMessages.nl,
  ...sftpMessages.nl,
  ...ftpMessages.nl,
  ...emailMessages.nl,
  ...dropboxMessages.nl,
};
