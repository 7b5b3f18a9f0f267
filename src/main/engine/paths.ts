/** File names inside the data folder. */
export const DATABASE_FILE = 'ledgerdrop.db';
