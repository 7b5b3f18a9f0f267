/** The local-folder connector's words (its declared fields' labels and help), in every UI language. */
export const localFolderMessages = {
  en: {
    'connector.localFolder.name': 'Folder on this computer or network share',
    'connector.localFolder.field.path': 'Destination folder — for example the folder your accounting software imports from (C:\\Accounting\\Import) or a mounted network share. It must exist.',
    'connector.localFolder.field.pathTemplate': 'Names and subfolders of the delivered files, with variables such as [accounting_file_id], [family], [year], [original_name].',
    'connector.localFolder.field.subfolder': 'For this client only: a subfolder of the destination folder, or a full path of its own.',
  },
  fr: {
    'connector.localFolder.name': 'Dossier sur cet ordinateur ou partage réseau',
    'connector.localFolder.field.path': 'Dossier de destination — par exemple le dossier d’import de votre logiciel comptable (C:\\Comptabilite\\Import) ou un partage réseau monté. Il doit exister.',
    'connector.localFolder.field.pathTemplate': 'Noms et sous-dossiers des fichiers livrés, avec des variables comme [accounting_file_id], [family], [year], [original_name].',
    'connector.localFolder.field.subfolder': 'Pour ce client uniquement : un sous-dossier du dossier de destination, ou un chemin complet qui lui est propre.',
  },
  nl: {
    'connector.localFolder.name': 'Map op deze computer of netwerkshare',
    'connector.localFolder.field.path': 'Doelmap — bijvoorbeeld de importmap van uw boekhoudpakket (C:\\Boekhouding\\Import) of een gekoppelde netwerkshare. De map moet bestaan.',
    'connector.localFolder.field.pathTemplate': 'Namen en submappen van de geleverde bestanden, met variabelen zoals [accounting_file_id], [family], [year], [original_name].',
    'connector.localFolder.field.subfolder': 'Alleen voor deze klant: een submap van de doelmap, of een eigen volledig pad.',
  },
} as const;
