#!/usr/bin/env node
// A committed entry point, so npm links the command at install time, before dist/ is built.
require('../dist/cli.js');
