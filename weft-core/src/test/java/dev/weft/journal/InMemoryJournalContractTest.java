package dev.weft.journal;

/** The journal contract, in memory: nothing survives a restart, and a finished request's calls are dropped. */
final class InMemoryJournalContractTest extends JournalContract {
  @Override
  protected Journal openEmpty() {
    return new InMemoryJournal();
  }


  @Override
  protected boolean replaysFinished() {
    return false;
  }

  @Override
  protected boolean keepsCalls() {
    return false;
  }
}
