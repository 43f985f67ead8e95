#!/usr/bin/env node
import "../dist/hpiam.js";
