#!/bin/sh
autoreconf -fi "$@"
