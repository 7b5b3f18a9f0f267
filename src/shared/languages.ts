/** The languages of the UI, the messages and the client documents. */
export const LANGUAGES = ['en', 'fr', 'nl'] as const;
export type Language = (typeof LANGUAGES)[number];
