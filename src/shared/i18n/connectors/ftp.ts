/** The ftp connector's words (its declared fields' labels and help), in every UI language. */
export const ftpMessages = {
  en: {
    'connector.ftp.name': 'FTP / FTPS server',
  },
  fr: {
    'connector.ftp.name': 'Serveur FTP / FTPS',
  },
  nl: {
    'connector.ftp.name': 'FTP/FTPS-server',
  },
} as const;
