/*
 * `jlpm install:extension` (what an editable install runs): rebuild the committed bundle only when the
 * sources changed since it was built. webpack's module ids depend on where the checkout lies, so a rebuild
 * of unchanged sources in another folder gives other file names and would leave a fresh clone modified.
 */
const { execSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { sourcesDigest, outDir } = require('./sources-digest');

const recorded = path.join(outDir, 'sources.sha256');
const current = fs.existsSync(recorded) && fs.readFileSync(recorded, 'utf8').trim() === sourcesDigest();
if (current && fs.existsSync(path.join(outDir, 'package.json'))) {
  console.log('synthnb/labextension/ was built from these sources; not rebuilding (make labextension forces it)');
} else {
  execSync('jlpm build:prod', { stdio: 'inherit', cwd: path.resolve(__dirname, '..') });
}
