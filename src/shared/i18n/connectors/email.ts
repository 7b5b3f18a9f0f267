/** The email connector's words (its declared fields' labels and help), in every UI language. */
export const emailMessages = {
  en: {
    'connector.email.name': 'Email (SMTP)',
  },
  fr: {
    'connector.email.name': 'E-mail (SMTP)',
  },
  nl: {
    'connector.email.name': 'E-mail (SMTP)',
  },
} as const;
