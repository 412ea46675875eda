//! `fairscheduler.xml` pool building (being written).
