console.log('bench: TODO');
