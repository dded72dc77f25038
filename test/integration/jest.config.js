module.exports = require('../jest.preset')('integration');
