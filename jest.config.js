module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  // The connector's tests, and the simulator package's own (npm test runs both).
  roots: ['<rootDir>/test', '<rootDir>/packages/concur-extract-simulator/test'],
  // Removes the temp folders test/helpers/temp.ts made, after each test file.
  setupFilesAfterEnv: ['<rootDir>/test/helpers/cleanup.ts'],
  testTimeout: 60000,
  // CLI tests spawn bin/main and the simulator: two cores, so keep parallelism modest.
  maxWorkers: 2,
  transform: {'^.+\\.ts$': ['ts-jest', {tsconfig: 'tsconfig.json'}]},
};
