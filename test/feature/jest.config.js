module.exports = require('../jest.preset')('feature');
