/** The sftp connector's words (its declared fields' labels and help), in every UI language. */
export const sftpMessages = {
  en: {
    'connector.sftp.name': 'SFTP server',
  },
  fr: {
    'connector.sftp.name': 'Serveur SFTP',
  },
  nl: {
    'connector.sftp.name': 'SFTP-server',
  },
} as const;
