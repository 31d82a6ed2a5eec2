/** Kubeconfig files for the stand-in live with the demo; tests use the same helper. */
export * from '../../src/demo/stand-ins/kubeconfig.ts';
