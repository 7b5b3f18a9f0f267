/**
 * The watch-folder scenarios in polling mode (network drives: usePolling), chokidar polling every
 * 500 ms. See test/unit/intake/watch-scenarios.ts.
 */
import { defineWatchScenarios } from '../unit/intake/watch-scenarios.ts';

defineWatchScenarios({ polling: true, pollIntervalMs: 500 });
