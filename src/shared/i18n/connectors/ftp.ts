/** The ftp connector's words (its declared fields' labels and help), in every UI language. */
export const ftpMessages = {
  en: {
    'connector.ftp.name': 'FTP / FTPS server',
    'connector.ftp.field.host': 'Server name or address, such as ftp.example.be or 192.168.1.20 — without "ftp://". Your accounting software provider or IT person gives it.',
    'connector.ftp.field.port': 'Port number. Leave empty for the usual one: 21, or 990 with implicit TLS.',
    'connector.ftp.field.username': 'The FTP account name you received for uploads.',
    'connector.ftp.field.password': 'The FTP account’s password. It is kept in this computer’s keychain, never in a settings file.',
    'connector.ftp.field.security':
      'Encryption. Explicit TLS (FTPS on port 21) suits almost every server. Choose implicit TLS only if your provider says so (port 990). "None" sends the password and documents unencrypted and also needs the confirmation below.',
    'connector.ftp.field.allowPlainFtp': 'I accept an unencrypted connection: anyone on the network path can read the password and the documents. Only for a server inside your own office network that cannot encrypt.',
    'connector.ftp.field.certFingerprint':
      'The SHA-256 fingerprint of the server’s certificate, for a server that made its own certificate. Leave empty: the connection test shows the fingerprint, and you accept it after checking it with whoever runs the server.',
    'connector.ftp.field.folder': 'Folder on the server to deliver into, such as /import. Leave empty for the folder you land in after signing in. It must exist.',
    'connector.ftp.field.pathTemplate': 'Names and subfolders of the delivered files, with variables such as [accounting_file_id], [family], [year], [original_name]. Missing subfolders are created.',
    'connector.ftp.field.connections': 'How many files Ledgerdrop sends at the same time, each over its own login (1–16). 2 suits most servers; lower it to 1 if the server allows only one login per account.',
    'connector.ftp.field.timeoutSeconds': 'How many seconds the server may stay silent before Ledgerdrop gives up the attempt and tries again later. 30 suits most servers; raise it for a very slow line.',
    'connector.ftp.field.subfolder': 'For this client only: a subfolder of the server folder (created when missing), or a full server path of its own that starts with "/" (it must exist).',
  },
  fr: {
    'connector.ftp.name': 'Serveur FTP / FTPS',
    'connector.ftp.field.host': 'Nom ou adresse du serveur, par exemple ftp.exemple.be ou 192.168.1.20 — sans « ftp:// ». Votre fournisseur de logiciel comptable ou votre informaticien vous le donne.',
    'connector.ftp.field.port': 'Numéro de port. Laissez vide pour le port habituel : 21, ou 990 avec TLS implicite.',
    'connector.ftp.field.username': 'Le nom du compte FTP que vous avez reçu pour les envois.',
    'connector.ftp.field.password': 'Le mot de passe du compte FTP. Il est gardé dans le trousseau de cet ordinateur, jamais dans un fichier de réglages.',
    'connector.ftp.field.security':
      'Chiffrement. Le TLS explicite (FTPS sur le port 21) convient à presque tous les serveurs. Choisissez le TLS implicite seulement si votre fournisseur le demande (port 990). « Aucun » envoie le mot de passe et les documents sans chiffrement et demande aussi la confirmation ci-dessous.',
    'connector.ftp.field.allowPlainFtp': 'J’accepte une connexion non chiffrée : toute personne sur le trajet réseau peut lire le mot de passe et les documents. Uniquement pour un serveur du réseau de votre bureau qui ne sait pas chiffrer.',
    'connector.ftp.field.certFingerprint':
      'L’empreinte SHA-256 du certificat du serveur, pour un serveur qui a créé son propre certificat. Laissez vide : le test de connexion affiche l’empreinte, et vous l’acceptez après l’avoir vérifiée auprès du gestionnaire du serveur.',
    'connector.ftp.field.folder': 'Dossier du serveur où déposer les fichiers, par exemple /import. Laissez vide pour le dossier où vous arrivez après la connexion. Il doit exister.',
    'connector.ftp.field.pathTemplate': 'Noms et sous-dossiers des fichiers livrés, avec des variables comme [accounting_file_id], [family], [year], [original_name]. Les sous-dossiers manquants sont créés.',
    'connector.ftp.field.connections': 'Combien de fichiers Ledgerdrop envoie en même temps, chacun par sa propre connexion (1–16). 2 convient à la plupart des serveurs ; mettez 1 si le serveur n’accepte qu’une connexion par compte.',
    'connector.ftp.field.timeoutSeconds': 'Combien de secondes le serveur peut rester muet avant que Ledgerdrop abandonne l’essai et réessaie plus tard. 30 convient à la plupart des serveurs ; augmentez pour une ligne très lente.',
    'connector.ftp.field.subfolder': 'Pour ce client uniquement : un sous-dossier du dossier du serveur (créé s’il manque), ou un chemin complet propre sur le serveur commençant par « / » (il doit exister).',
  },
  nl: {
    'connector.ftp.name': 'FTP/FTPS-server',
    'connector.ftp.field.host': 'Naam of adres van de server, bijvoorbeeld ftp.voorbeeld.be of 192.168.1.20 — zonder "ftp://". U krijgt het van de leverancier van uw boekhoudpakket of uw IT-beheerder.',
    'connector.ftp.field.port': 'Poortnummer. Laat leeg voor de gebruikelijke poort: 21, of 990 bij impliciete TLS.',
    'connector.ftp.field.username': 'De naam van de FTP-account die u voor het opladen kreeg.',
    'connector.ftp.field.password': 'Het wachtwoord van de FTP-account. Het staat in de sleutelhanger van deze computer, nooit in een instellingenbestand.',
    'connector.ftp.field.security':
      'Versleuteling. Expliciete TLS (FTPS op poort 21) past bij bijna elke server. Kies impliciete TLS alleen als uw leverancier dat vraagt (poort 990). "Geen" stuurt wachtwoord en documenten onversleuteld en vraagt ook de bevestiging hieronder.',
    'connector.ftp.field.allowPlainFtp': 'Ik aanvaard een onversleutelde verbinding: iedereen op de netwerkweg kan het wachtwoord en de documenten lezen. Alleen voor een server in het netwerk van uw eigen kantoor die niet kan versleutelen.',
    'connector.ftp.field.certFingerprint':
      'De SHA-256-vingerafdruk van het certificaat van de server, voor een server die zijn eigen certificaat maakte. Laat leeg: de verbindingstest toont de vingerafdruk, en u aanvaardt hem nadat u hem bij de beheerder van de server hebt nagekeken.',
    'connector.ftp.field.folder': 'Map op de server waarin geleverd wordt, bijvoorbeeld /import. Laat leeg voor de map waarin u na het aanmelden terechtkomt. De map moet bestaan.',
    'connector.ftp.field.pathTemplate': 'Namen en submappen van de geleverde bestanden, met variabelen zoals [accounting_file_id], [family], [year], [original_name]. Ontbrekende submappen worden aangemaakt.',
    'connector.ftp.field.connections': 'Hoeveel bestanden Ledgerdrop tegelijk verstuurt, elk via een eigen aanmelding (1–16). 2 past bij de meeste servers; zet het op 1 als de server maar één aanmelding per account toelaat.',
    'connector.ftp.field.timeoutSeconds': 'Hoeveel seconden de server mag zwijgen voordat Ledgerdrop de poging opgeeft en later opnieuw probeert. 30 past bij de meeste servers; verhoog het voor een heel trage lijn.',
    'connector.ftp.field.subfolder': 'Alleen voor deze klant: een submap van de servermap (aangemaakt als ze ontbreekt), of een eigen volledig pad op de server dat met "/" begint (het moet bestaan).',
  },
} as const;
