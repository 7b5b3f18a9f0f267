/** The dropbox connector's words (its declared fields' labels and help), in every UI language. */
export const dropboxMessages = {
  en: {
    'connector.dropbox.name': 'Dropbox',
  },
  fr: {
    'connector.dropbox.name': 'Dropbox',
  },
  nl: {
    'connector.dropbox.name': 'Dropbox',
  },
} as const;
