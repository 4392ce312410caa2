namespace CybrLink.E2E;
