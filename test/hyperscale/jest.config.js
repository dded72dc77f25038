module.exports = require('../jest.preset')('hyperscale');
