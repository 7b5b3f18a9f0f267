/** Sftp connector — being written (issue #5). */
import type { ConnectorDefinition } from '../types.ts';
import { DeliveryError } from '../types.ts';

export const sftpConnector: ConnectorDefinition = {
  id: 'sftp',
  nameKey: 'connector.sftp.name',
  families: ['invoices', 'statements'],
  formats: ['original', 'peppol-bis-3', 'ubl-be'],
  fields: [],
  auth: ['password'],
  limits: { concurrency: 1 },
  test: async () => ({ ok: false, message: 'Not available yet.' }),
  deliver: async () => {
    throw new DeliveryError('fatal-connection', 'not-available', 'This connector is not available yet.');
  },
};
