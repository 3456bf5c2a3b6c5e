'use strict';
// The Node.js version check run before anything that needs a recent Node: by `npm install` (preinstall) and by every
// built entry point (dist/<entry>/main.js, before its bundle loads undici and the rest). Old syntax on purpose (var,
// no arrows, no template strings), so that any Node old enough to fail the check can still parse it.

/** [major, minor, patch] of "22.12.0", "v20.1", ">=22.12"; null if there is no version in the text. */
function parseVersion(text) {
  var match = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(String(text));
  return match ? [Number(match[1]), Number(match[2]), Number(match[3] || 0)] : null;
}

function isOlder(actual, minimum) {
  for (var index = 0; index < 3; index += 1) {
    if (actual[index] !== minimum[index]) return actual[index] < minimum[index];
  }
  return false;
}

/** The one line to print when `actualVersion` does not satisfy `engines` (a ">=x.y[.z]" range), else undefined. */
function unsupportedNodeMessage(actualVersion, engines) {
  var minimum = parseVersion(engines);
  var actual = parseVersion(actualVersion);
  if (!minimum || !actual || !isOlder(actual, minimum)) return undefined;
  return (
    'Tollgate needs Node.js ' + engines + ' (package.json "engines") but this is Node.js ' + actualVersion +
    ': install Node.js ' + minimum[0] + '.' + minimum[1] + ' or newer (e.g. `nvm install 24`) and run it again'
  );
}

/** Prints the line and exits 1 when the running Node does not satisfy `engines`. */
function exitIfUnsupportedNode(engines, processName) {
  var message = unsupportedNodeMessage(process.versions.node, engines);
  if (message === undefined) return;
  process.stderr.write(processName + ': ' + message + '\n');
  process.exit(1);
}

module.exports = { unsupportedNodeMessage: unsupportedNodeMessage, exitIfUnsupportedNode: exitIfUnsupportedNode };

if (require.main === module) exitIfUnsupportedNode(require('../package.json').engines.node, 'tollgate');
