window.demoLib = { loaded: true, at: Date.now() };
