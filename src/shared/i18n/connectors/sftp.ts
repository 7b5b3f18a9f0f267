/** The sftp connector's words (its declared fields' labels and help), in every UI language. */
export const sftpMessages = {
  en: {
    'connector.sftp.name': 'SFTP server',
    'connector.sftp.field.host':
      'Server name or address, such as sftp.example.be or 192.168.1.20 — without "sftp://", a folder or a port. It is in the SFTP details your accounting software provider or IT person sent you.',
    'connector.sftp.field.port': 'Port number. Leave 22 unless your provider gives another one (some use 2222).',
    'connector.sftp.field.username': 'The SFTP account name you received for uploads (the "login" or "user").',
    'connector.sftp.field.password': 'The SFTP account’s password. Leave empty if you sign in with a private key. It is kept in this computer’s keychain, never in a settings file.',
    'connector.sftp.field.privateKey':
      'Instead of a password: the private key that belongs to the public key your provider registered for you. Paste the whole key file, from "-----BEGIN" to "-----END" (OpenSSH or PEM format; a PuTTY .ppk key must first be exported as OpenSSH key in PuTTYgen). It is kept in this computer’s keychain.',
    'connector.sftp.field.passphrase': 'Only if the private key is protected by a passphrase: that passphrase. Leave empty otherwise.',
    'connector.sftp.field.hostKey':
      'The server’s fingerprint, such as SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8. Leave empty: the connection test shows the fingerprint, and you accept it after checking it with your IT provider. If it ever changes, Ledgerdrop stops and asks you again.',
    'connector.sftp.field.uploadPath':
      'Folder on the server to deliver into, such as Invoice_import/ (from the folder you land in after signing in) or /upload/invoices (from the server’s root). Missing folders are created. You may use variables such as [accounting_file_id], [family], [year], [month]; end with a file name using [original_name] or [extension] to rename files.',
    'connector.sftp.field.kex':
      'Advanced — leave empty. Key-exchange methods for an old server that needs one Ledgerdrop does not use by default, separated by commas. Start with "+" to add them to the defaults, for example +diffie-hellman-group14-sha1. Your server administrator knows which ones.',
    'connector.sftp.field.ciphers': 'Advanced — leave empty. Encryption methods (ciphers) for a server that needs particular ones, separated by commas; start with "+" to add them to the defaults, for example +aes128-cbc.',
    'connector.sftp.field.connections': 'Advanced. How many connections Ledgerdrop opens to the server at the same time (1–16, default 4). Lower it if your provider limits connections per account.',
  },
  fr: {
    'connector.sftp.name': 'Serveur SFTP',
    'connector.sftp.field.host':
      'Nom ou adresse du serveur, par exemple sftp.exemple.be ou 192.168.1.20 — sans « sftp:// », sans dossier ni port. Il figure dans les données SFTP que votre fournisseur de logiciel comptable ou votre informaticien vous a envoyées.',
    'connector.sftp.field.port': 'Numéro de port. Laissez 22, sauf si votre fournisseur en indique un autre (certains utilisent 2222).',
    'connector.sftp.field.username': 'Le nom du compte SFTP que vous avez reçu pour les envois (« login » ou « utilisateur »).',
    'connector.sftp.field.password':
      'Le mot de passe du compte SFTP. Laissez vide si vous vous connectez avec une clé privée. Il est gardé dans le trousseau de cet ordinateur, jamais dans un fichier de réglages.',
    'connector.sftp.field.privateKey':
      'À la place d’un mot de passe : la clé privée qui correspond à la clé publique que votre fournisseur a enregistrée pour vous. Collez tout le fichier de clé, de « -----BEGIN » à « -----END » (format OpenSSH ou PEM ; une clé PuTTY .ppk doit d’abord être exportée au format OpenSSH dans PuTTYgen). Elle est gardée dans le trousseau de cet ordinateur.',
    'connector.sftp.field.passphrase': 'Uniquement si la clé privée est protégée par une phrase de passe : cette phrase. Sinon, laissez vide.',
    'connector.sftp.field.hostKey':
      'L’empreinte du serveur, par exemple SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8. Laissez vide : le test de connexion affiche l’empreinte, et vous l’acceptez après l’avoir vérifiée auprès de votre informaticien. Si elle change un jour, Ledgerdrop s’arrête et vous la redemande.',
    'connector.sftp.field.uploadPath':
      'Dossier du serveur où déposer les fichiers, par exemple Invoice_import/ (à partir du dossier où vous arrivez après la connexion) ou /upload/factures (à partir de la racine du serveur). Les dossiers manquants sont créés. Vous pouvez utiliser des variables comme [accounting_file_id], [family], [year], [month] ; terminez par un nom de fichier avec [original_name] ou [extension] pour renommer les fichiers.',
    'connector.sftp.field.kex':
      'Avancé — laissez vide. Méthodes d’échange de clés pour un ancien serveur qui en exige une que Ledgerdrop n’utilise pas par défaut, séparées par des virgules. Commencez par « + » pour les ajouter à celles par défaut, par exemple +diffie-hellman-group14-sha1. L’administrateur du serveur sait lesquelles.',
    'connector.sftp.field.ciphers':
      'Avancé — laissez vide. Méthodes de chiffrement (ciphers) pour un serveur qui en exige de particulières, séparées par des virgules ; commencez par « + » pour les ajouter à celles par défaut, par exemple +aes128-cbc.',
    'connector.sftp.field.connections':
      'Avancé. Combien de connexions Ledgerdrop ouvre en même temps vers le serveur (1 à 16, 4 par défaut). Diminuez ce nombre si votre fournisseur limite les connexions par compte.',
  },
  nl: {
    'connector.sftp.name': 'SFTP-server',
    'connector.sftp.field.host':
      'Naam of adres van de server, bijvoorbeeld sftp.voorbeeld.be of 192.168.1.20 — zonder "sftp://", map of poort. U vindt het in de SFTP-gegevens die uw leverancier van boekhoudsoftware of uw IT-partner u stuurde.',
    'connector.sftp.field.port': 'Poortnummer. Laat 22 staan, tenzij uw leverancier een ander opgeeft (sommige gebruiken 2222).',
    'connector.sftp.field.username': 'De naam van het SFTP-account dat u voor uploads kreeg (de "login" of "gebruiker").',
    'connector.sftp.field.password':
      'Het wachtwoord van het SFTP-account. Laat leeg als u zich aanmeldt met een privésleutel. Het wordt bewaard in de sleutelhanger van deze computer, nooit in een instellingenbestand.',
    'connector.sftp.field.privateKey':
      'In plaats van een wachtwoord: de privésleutel die hoort bij de publieke sleutel die uw leverancier voor u registreerde. Plak het hele sleutelbestand, van "-----BEGIN" tot "-----END" (OpenSSH- of PEM-formaat; een PuTTY .ppk-sleutel moet u eerst in PuTTYgen als OpenSSH-sleutel exporteren). Hij wordt bewaard in de sleutelhanger van deze computer.',
    'connector.sftp.field.passphrase': 'Alleen als de privésleutel met een wachtwoordzin beveiligd is: die wachtwoordzin. Laat anders leeg.',
    'connector.sftp.field.hostKey':
      'De vingerafdruk van de server, bijvoorbeeld SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8. Laat leeg: de verbindingstest toont de vingerafdruk, en u aanvaardt die nadat u ze bij uw IT-partner hebt nagekeken. Verandert ze ooit, dan stopt Ledgerdrop en vraagt het u opnieuw.',
    'connector.sftp.field.uploadPath':
      'Map op de server waarin geleverd wordt, bijvoorbeeld Invoice_import/ (vanaf de map waarin u na het aanmelden terechtkomt) of /upload/facturen (vanaf de hoofdmap van de server). Ontbrekende mappen worden aangemaakt. U kunt variabelen gebruiken zoals [accounting_file_id], [family], [year], [month]; eindig met een bestandsnaam met [original_name] of [extension] om bestanden te hernoemen.',
    'connector.sftp.field.kex':
      'Geavanceerd — laat leeg. Sleuteluitwisselingsmethoden voor een oude server die er een vraagt die Ledgerdrop standaard niet gebruikt, gescheiden door komma’s. Begin met "+" om ze aan de standaardmethoden toe te voegen, bijvoorbeeld +diffie-hellman-group14-sha1. De beheerder van de server weet welke.',
    'connector.sftp.field.ciphers':
      'Geavanceerd — laat leeg. Versleutelingsmethoden (ciphers) voor een server die bijzondere vraagt, gescheiden door komma’s; begin met "+" om ze aan de standaardmethoden toe te voegen, bijvoorbeeld +aes128-cbc.',
    'connector.sftp.field.connections':
      'Geavanceerd. Hoeveel verbindingen Ledgerdrop tegelijk met de server opent (1 tot 16, standaard 4). Verlaag dit als uw leverancier het aantal verbindingen per account beperkt.',
  },
} as const;
