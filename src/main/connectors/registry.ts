import { localFolderConnector } from './local-folder/index.ts';
import type { ConnectorDefinition } from './types.ts';

/** Every connector Ledgerdrop ships, by id. Adding one: its folder, a line here, translations. */
export const CONNECTORS: ReadonlyMap<string, ConnectorDefinition> = new Map([[localFolderConnector.id, localFolderConnector]]);

export function connectorFor(service: string): ConnectorDefinition | undefined {
  return CONNECTORS.get(service);
}
