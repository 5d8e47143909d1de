package io.fusebox.reliability;

/** One of the suite's scenarios: it starts what it needs, measures, writes its section of the report and stops it all. */
interface Scenario {

  void run(Workspace workspace, Mode mode, Report report) throws Exception;
}
