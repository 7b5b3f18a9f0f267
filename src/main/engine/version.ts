import pkg from '../../../package.json' with { type: 'json' };

/** The app version from package.json (bundled into the desktop build, read directly by the CLI). */
export const APP_VERSION: string = pkg.version;

/** The engine runs on the Node that Electron 45 embeds, or newer. */
export const MINIMUM_NODE_MAJOR = 24;
