// The dashboard entry point (being built: see dashboard/CONTRACT.md).
document.documentElement.dataset['app'] = 'vigil';
