/*
 * The digest of the sources the committed bundle (synthnb/labextension/) is built from, kept in step with
 * tests/test_labextension_bundle.py: the files below, sorted, each as "<path>\0<content, CRLF -> LF>\0".
 */
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const outDir = path.resolve(root, require('../package.json').jupyterlab.outputDir);

function sourcesDigest() {
  const files = ['package.json', 'yarn.lock', 'tsconfig.json', ...fs.readdirSync(path.join(root, 'src')).map(f => 'src/' + f)];
  const hash = crypto.createHash('sha256');
  for (const file of files.sort()) {
    hash.update(file + '\0');
    hash.update(fs.readFileSync(path.join(root, file), 'utf8').replace(/\r\n/g, '\n'));
    hash.update('\0');
  }
  return hash.digest('hex');
}

module.exports = { sourcesDigest, outDir };
