/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

#ifndef WF_FAULT_H
#define WF_FAULT_H

/*
 * Fault injection (-Dfault_injection=true, HOSTILE.md §c.6): the console
 * command "fault" makes TX take fewer packets than offered, holds mbufs out
 * of a pool, fails flow inserts, and fails a control-plane allocation, so
 * tests can check that workers never stall, nothing leaks and the
 * accounting holds. Other builds have no "fault" command, and these hooks
 * are constants the compiler removes.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>

struct wf_reply;

#ifdef WF_FAULT_INJECTION
uint16_t wf_fault_tx_accept(uint16_t n);
bool wf_fault_flow_insert(void);
bool wf_fault_alloc(void);
int wf_cmd_fault(int argc, char **argv, struct wf_reply *r);
void wf_fault_release_all(void);
void wf_fault_worker_tick(void);
/* @p alloc, unless this control-plane allocation is to fail */
#define WF_FAULT_ALLOC(alloc) (wf_fault_alloc() ? NULL : (alloc))
#else
/** How many of @p n packets offered to TX it may take. */
static inline uint16_t wf_fault_tx_accept(uint16_t n) { return n; }
/** Whether this flow insert is to fail, as if the table were full. */
static inline bool wf_fault_flow_insert(void) { return false; }
/** Whether this control-plane allocation is to fail. */
static inline bool wf_fault_alloc(void) { return false; }
/** Give back mbufs still held (after the workers stopped). */
static inline void wf_fault_release_all(void) {}
/** The first worker's turn to take or give back held mbufs. */
static inline void wf_fault_worker_tick(void) {}
#define WF_FAULT_ALLOC(alloc) (alloc)
#endif

#endif /* WF_FAULT_H */
