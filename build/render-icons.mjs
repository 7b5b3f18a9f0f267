// Renders the app and tray icons from src/renderer/public/favicon.svg with Chromium (playwright-core):
//   node build/render-icons.mjs
// Writes build/icon.png (1024, electron-builder derives .ico/.icns from it), resources/icon.png (512,
// the Linux window icon), resources/tray(@2x).png and, for macOS, resources/trayTemplate(@2x).png.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const root = join(import.meta.dirname, '..');
const svg = readFileSync(join(root, 'src/renderer/public/favicon.svg'), 'utf8');
// macOS tray icons are templates: black shapes on transparency, tinted by the system.
const template = svg.replace(/<rect[^>]*\/>/, '').replaceAll('#fff', '#000');

const outputs = [
  { file: 'build/icon.png', size: 1024, source: svg },
  { file: 'resources/icon.png', size: 512, source: svg },
  { file: 'resources/tray.png', size: 16, source: svg },
  { file: 'resources/tray@2x.png', size: 32, source: svg },
  { file: 'resources/trayTemplate.png', size: 16, source: template },
  { file: 'resources/trayTemplate@2x.png', size: 32, source: template },
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
try {
  for (const { file, size, source } of outputs) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    const sized = source.replace('<svg ', `<svg width="${size}" height="${size}" `);
    await page.setContent(`<html><body style="margin:0;background:transparent">${sized}</body></html>`);
    await page.screenshot({ path: join(root, file), omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    await page.close();
    console.log(`${file} (${size}×${size})`);
  }
} finally {
  await browser.close();
}
