/** The dropbox connector's words (its declared fields' labels and help), in every UI language. */
export const dropboxMessages = {
  en: {
    'connector.dropbox.name': 'Dropbox',
    'connector.dropbox.field.appKey':
      "App key of your organisation's Dropbox app — Dropbox App Console (dropbox.com/developers/apps) → your app → Settings → App key. The app needs the permissions files.metadata.read and files.content.write, and http://127.0.0.1:53687/ as a redirect URI.",
    'connector.dropbox.field.folder': 'Dropbox folder the documents go into, for example /Accounting/Inbox. It is created with the first delivery. "/" is the top of the Dropbox (or of the app folder).',
    'connector.dropbox.field.pathTemplate': 'Names and subfolders of the delivered files inside that folder, with variables such as [accounting_file_id], [family], [year], [original_name].',
    'connector.dropbox.field.redirectPort':
      'Port on this computer that receives the answer of the Dropbox sign-in (default 53687). Change it only if another program uses that port; the Dropbox app must then list http://127.0.0.1:<port>/ as a redirect URI.',
    'connector.dropbox.field.refreshToken':
      'Only for servers set up by script: a Dropbox refresh token issued for the same app key (offline access, PKCE). Otherwise leave it empty and use Sign in — on a server over SSH, forward port 53687 (ssh -L 53687:127.0.0.1:53687) and open the sign-in address in your own browser.',
    'connector.dropbox.field.subfolder': "For this client only: a folder below the connection's Dropbox folder, or a full Dropbox path of its own starting with /.",
  },
  fr: {
    'connector.dropbox.name': 'Dropbox',
    'connector.dropbox.field.appKey':
      "Clé d’application (App key) de l’application Dropbox de votre organisation — Dropbox App Console (dropbox.com/developers/apps) → votre application → Settings → App key. L’application doit avoir les autorisations files.metadata.read et files.content.write, et http://127.0.0.1:53687/ comme URI de redirection.",
    'connector.dropbox.field.folder': 'Dossier Dropbox dans lequel les documents sont déposés, par exemple /Comptabilite/Entrees. Il est créé lors de la première livraison. « / » désigne la racine du Dropbox (ou du dossier de l’application).',
    'connector.dropbox.field.pathTemplate': 'Noms et sous-dossiers des fichiers livrés dans ce dossier, avec des variables comme [accounting_file_id], [family], [year], [original_name].',
    'connector.dropbox.field.redirectPort':
      'Port de cet ordinateur qui reçoit la réponse de la connexion à Dropbox (53687 par défaut). Ne le modifiez que si un autre programme utilise ce port ; l’application Dropbox doit alors indiquer http://127.0.0.1:<port>/ comme URI de redirection.',
    'connector.dropbox.field.refreshToken':
      'Uniquement pour les serveurs configurés par script : un jeton d’actualisation (refresh token) Dropbox émis pour la même clé d’application (accès hors ligne, PKCE). Sinon, laissez ce champ vide et utilisez « Se connecter » — sur un serveur via SSH, redirigez le port 53687 (ssh -L 53687:127.0.0.1:53687) et ouvrez l’adresse de connexion dans votre propre navigateur.',
    'connector.dropbox.field.subfolder': 'Pour ce client uniquement : un dossier sous le dossier Dropbox de la connexion, ou un chemin Dropbox complet qui lui est propre, commençant par /.',
  },
  nl: {
    'connector.dropbox.name': 'Dropbox',
    'connector.dropbox.field.appKey':
      'App key van de Dropbox-app van uw organisatie — Dropbox App Console (dropbox.com/developers/apps) → uw app → Settings → App key. De app heeft de machtigingen files.metadata.read en files.content.write nodig, en http://127.0.0.1:53687/ als redirect-URI.',
    'connector.dropbox.field.folder': 'Dropbox-map waarin de documenten terechtkomen, bijvoorbeeld /Boekhouding/Inkomend. De map wordt bij de eerste levering aangemaakt. "/" is de bovenste map van de Dropbox (of van de app-map).',
    'connector.dropbox.field.pathTemplate': 'Namen en submappen van de geleverde bestanden in die map, met variabelen zoals [accounting_file_id], [family], [year], [original_name].',
    'connector.dropbox.field.redirectPort':
      'Poort op deze computer die het antwoord van de Dropbox-aanmelding ontvangt (standaard 53687). Wijzig die alleen als een ander programma de poort gebruikt; de Dropbox-app moet dan http://127.0.0.1:<poort>/ als redirect-URI vermelden.',
    'connector.dropbox.field.refreshToken':
      'Alleen voor servers die met een script worden ingericht: een Dropbox-refreshtoken uitgegeven voor dezelfde app key (offline toegang, PKCE). Laat dit anders leeg en gebruik Aanmelden — op een server via SSH stuurt u poort 53687 door (ssh -L 53687:127.0.0.1:53687) en opent u het aanmeldadres in uw eigen browser.',
    'connector.dropbox.field.subfolder': 'Alleen voor deze klant: een map onder de Dropbox-map van de verbinding, of een eigen volledig Dropbox-pad dat met / begint.',
  },
} as const;
