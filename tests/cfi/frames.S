/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Three x86_64 functions whose only purpose is their call frame information
 * (in .debug_frame, as the kernel's own): tests/test_cfi.c lays out by hand
 * the stack these would build (outer -> framed -> leaf) and checks that one
 * CFI step at a time recovers each caller's pc, sp and saved registers.
 * Never run.
 */
	.cfi_sections .debug_frame
	.text

	/* Saves rbx and r12, then keeps its CFA relative to rsp. */
	.globl leaf
	.type leaf, @function
leaf:
	.cfi_startproc
	pushq %rbx
	.cfi_def_cfa_offset 16
	.cfi_offset %rbx, -16
	pushq %r12
	.cfi_def_cfa_offset 24
	.cfi_offset %r12, -24
	subq $24, %rsp
	.cfi_def_cfa_offset 48
	.globl leaf_body
leaf_body:
	nop
	addq $24, %rsp
	.cfi_def_cfa_offset 24
	popq %r12
	.cfi_def_cfa_offset 16
	popq %rbx
	.cfi_def_cfa_offset 8
	ret
	.cfi_endproc
	.size leaf, .-leaf

	/* A frame-pointer frame: CFA = rbp + 16. */
	.globl framed
	.type framed, @function
framed:
	.cfi_startproc
	pushq %rbp
	.cfi_def_cfa_offset 16
	.cfi_offset %rbp, -16
	movq %rsp, %rbp
	.cfi_def_cfa_register %rbp
	call leaf
	.globl framed_ret
framed_ret:
	popq %rbp
	.cfi_def_cfa %rsp, 8
	ret
	.cfi_endproc
	.size framed, .-framed

	/* The outermost frame: an undefined return address ends the stack. */
	.globl outer
	.type outer, @function
outer:
	.cfi_startproc
	.cfi_undefined %rip
	call framed
	.globl outer_ret
outer_ret:
	ud2
	.cfi_endproc
	.size outer, .-outer

	.section .note.GNU-stack,"",@progbits
