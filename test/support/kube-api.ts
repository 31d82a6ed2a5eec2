/** The Kubernetes API stand-in lives with the demo, which runs on it too; tests use the same one. */
export * from '../../src/demo/stand-ins/kube-api.ts';
