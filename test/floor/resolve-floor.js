// Preloaded (NODE_OPTIONS=--require) by run.sh into every Node process of the floor job, for the
// processes that tests start themselves: jest's moduleNameMapper only covers jest's own module
// system. Node looks in node_modules before NODE_PATH, so NODE_PATH would not do.
const Module = require('module');
const { join } = require('path');

const floor = process.env.CDK_FLOOR_NODE_MODULES;
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const floored = floor && /^(aws-cdk-lib|constructs)(\/|$)/.test(request) ? join(floor, request) : request;
  return resolve.call(this, floored, ...rest);
};
