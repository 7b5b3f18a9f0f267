import { dropboxConnector } from './dropbox/index.ts';
import { emailConnector } from './email/index.ts';
import { ftpConnector } from './ftp/index.ts';
import { localFolderConnector } from './local-folder/index.ts';
import { sftpConnector } from './sftp/index.ts';
import type { ConnectorDefinition } from './types.ts';

/** Every connector Ledgerdrop ships, by id. Adding one: its folder, a line here, its words in src/shared/i18n/connectors/. */
export const CONNECTORS: ReadonlyMap<string, ConnectorDefinition> = new Map(
  [localFolderConnector, sftpConnector, ftpConnector, emailConnector, dropboxConnector].map((c) => [c.id, c]),
);

export function connectorFor(service: string): ConnectorDefinition | undefined {
  return CONNECTORS.get(service);
}
