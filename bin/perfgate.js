#!/usr/bin/env node
// The perfgate CLI, from the committed bundle (npm run build writes dist/).
import '../dist/cli.js'
