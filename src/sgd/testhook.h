/* testhook.h - a synchronisation point that lets tests drive races.
 *
 * With SGD_TEST_HOLD_DIR set in sgd's environment (tests only), a mutation
 * that finds the file DIR/arm removes it, announces itself by writing the
 * point's name into the FIFO DIR/held, and waits until something is written
 * into the FIFO DIR/release.  It holds the writers' lock meanwhile, between
 * its database write and its kernel batch, so a test can tamper with the
 * kernel at exactly that moment.  Unset (always, in production): a no-op. */
#ifndef SGD_TESTHOOK_H
#define SGD_TESTHOOK_H

void sgd_test_hold(const char *point);

#endif
