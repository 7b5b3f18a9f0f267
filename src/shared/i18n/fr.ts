import { localFolderMessages } from './connectors/local-folder.ts';
import { sftpMessages } from './connectors/sftp.ts';
import { ftpMessages } from './connectors/ftp.ts';
import { emailMessages } from './connectors/email.ts';
import { dropboxMessages } from './connectors/dropbox.ts';
import type { Messages } from './en.ts';

export const fr: Messages = {
  'app.name': 'Ledgerdrop',
  'app.tagline': 'Chaque facture et chaque extrait bancaire dans le bon logiciel comptable, une seule fois.',

  'language.label': 'Langue',
  'language.en': 'English',
  'language.fr': 'Français',
  'language.nl': 'Nederlands',

  'status.title': 'Moteur',
  'status.state': 'État',
  'status.version': 'Version',
  'status.home': 'Dossier de données',
  'status.keychain': 'Trousseau de clés',
  'status.loading': 'Connexion au moteur…',
  'status.unavailable': 'Le moteur n’est pas disponible : {message}',
  'status.retry': 'Réessayer',
  'state.starting': 'Démarrage',
  'state.idle': 'Prêt',
  'state.closing': 'Arrêt en cours',
  'state.closed': 'Arrêté',

  'doctor.title': 'Cet ordinateur',
  'doctor.intro': 'Vérifiez que Ledgerdrop peut fonctionner ici : environnement, dossier de données, base de données et trousseau de clés.',
  'doctor.run': 'Vérifier cet ordinateur',
  'doctor.running': 'Vérification…',
  'doctor.allOk': 'Tout ce dont Ledgerdrop a besoin est en place.',
  'doctor.someFailed': 'Certaines vérifications ont échoué. La marche à suivre figure sous chacune d’elles.',
  'doctor.ok': 'OK',
  'doctor.failed': 'Problème',
  'doctor.fix': 'Que faire :',
  'doctor.error': 'La vérification n’a pas pu s’exécuter : {message}',
  'doctor.check.node': 'Environnement (Node)',
  'doctor.check.home': 'Dossier de données',
  'doctor.check.database': 'Base de données',
  'doctor.check.keychain': 'Trousseau de clés',

  'tray.tooltip': 'Ledgerdrop',
  'tray.open': 'Ouvrir Ledgerdrop',
  'tray.syncNow': 'Synchroniser maintenant',
  'tray.pause': 'Pause',
  'tray.pause30m': 'Pendant 30 minutes',
  'tray.pause1h': 'Pendant 1 heure',
  'tray.pauseTomorrow': 'Jusqu’à demain',
  'tray.pauseUntilResumed': 'Jusqu’à la reprise',
  'tray.resume': 'Reprendre maintenant',
  'tray.quit': 'Quitter Ledgerdrop',

  // Each connector's words live next to each other in ./connectors/.
  ...localFolderMessages.fr,
  ...sftpMessages.fr,
  ...ftpMessages.fr,
  ...emailMessages.fr,
  ...dropboxMessages.fr,
};
