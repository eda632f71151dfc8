#pragma once
// Alert evaluation: read the audit entries committed since the last pass (alert_cursor), and
// for each entry and each enabled rule it passes, count the rule's entries of the same group
// within the window that ends at this entry, after the rule's last alert of that group. At the
// threshold (and outside the cooldown) the rule fires: an alert row, an "alert.fired" audit
// entry, and one email job per address and one webhook delivery job per webhook channel.
// Everything of one pass, the cursor's advance included, commits in one transaction that holds
// the cursor's row lock: daemons take turns, a crash redoes the whole pass, nothing fires twice.
// Driven by NOTIFY janua_audit (and a periodic safety net) from the daemon.

#include "core/db/pool.hpp"

namespace janua::alerts {

struct EvaluationReport {
    int entries = 0;  // audit entries read
    int fired = 0;    // alerts fired
};

class Evaluator {
public:
    explicit Evaluator(db::Pool& pool, int batch = 500) : m_pool(pool), m_batch(batch) {}
    // Evaluate everything committed so far.
    EvaluationReport run();

private:
    db::Pool& m_pool;
    int m_batch;
};

}  // namespace janua::alerts
