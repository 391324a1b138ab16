/*
 * `jupyter labextension build`, offline: pass the installed JupyterLab's own staging/package.json
 * as --core-package-file, otherwise the builder tries to fetch @jupyterlab/core-meta from the
 * network. The Python that owns that JupyterLab is the interpreter of the `jupyter-builder`
 * script on PATH (the build environment's, under pip or python -m build).
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

function which(name) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    for (const ext of process.platform === 'win32' ? ['.exe', ''] : ['']) {
      const candidate = path.join(dir, name + ext);
      if (fs.existsSync(candidate)) {
        return candidate;
      }
    }
  }
  return null;
}

function pythonOf(script) {
  if (script && process.platform !== 'win32') {
    const first = fs.readFileSync(script, 'utf8').split('\n')[0];
    if (first.startsWith('#!')) {
      const interp = first.slice(2).trim().split(/\s+/)[0];
      if (fs.existsSync(interp)) {
        return interp;
      }
    }
  }
  return process.env.PYTHON || 'python3';
}

const script = which('jupyter-builder') || which('jupyter-labextension') || which('jlpm');
const python = pythonOf(script);
const labDir = execFileSync(python, ['-c', 'import jupyterlab, os; print(os.path.dirname(jupyterlab.__file__))'])
  .toString()
  .trim();
const coreFile = path.join(labDir, 'staging', 'package.json');
// JupyterLab 4.6's `jupyter labextension build` delegates to jupyter_builder; call it directly so a
// build environment whose scripts directory is not on PATH still works.
const builder = 'import sys; from jupyter_builder.main import main; sys.argv[0] = "jupyter-builder"; sys.exit(main())';
const args = ['-c', builder, 'build', '--core-package-file', coreFile];
if (process.argv.includes('--development')) {
  args.push('--development', 'True', '--source-map', 'True');
}
args.push('.');
execFileSync(python, args, { stdio: 'inherit' });

// The built bundle is committed (a clone installs without Node); sources.sha256 records which sources
// it was built from, and tests/test_labextension_bundle.py recomputes it.
const { sourcesDigest, outDir } = require('./sources-digest');
fs.writeFileSync(path.join(outDir, 'sources.sha256'), sourcesDigest() + '\n');
